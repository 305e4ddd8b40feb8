using Scribe.Actors.Journal;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

public sealed class PostIndexSpecs
{
    [Fact]
    public void Merges_older_posts_in_order_and_keeps_the_first_sequence_number_of_an_id()
    {
        var index = new PostIndex(4);
        index.AddRange([(10, 1), (20, 2), (30, 3)]);
        index.AddRange([(25, 4), (5, 5), (20, 6), (40, 7), (5, 8), (15, 9)]);

        var (ids, sequenceNrs) = index.Copy();
        Assert.Equal(new long[] { 5, 10, 15, 20, 25, 30, 40 }, ids);
        Assert.Equal(new long[] { 5, 1, 9, 2, 4, 3, 7 }, sequenceNrs);

        Assert.Equal(9, index.Remove(15));
        Assert.Null(index.Remove(15));
        index.Add(12, 10);
        Assert.True(index.TryGet(12, out long s) && s == 10);
        Assert.Equal(new long[] { 5, 10, 12, 20, 25, 30, 40 }, index.Copy().Ids);
    }

    [Theory]
    [InlineData(30L, 60L, 2, new long[] { 30, 40, 50, 60 })]
    [InlineData(25L, null, 2, new long[] { 30, 40 })]
    [InlineData(null, 65L, 2, new long[] { 50, 60 })]
    [InlineData(null, null, 2, new long[] { 90, 100 })]
    [InlineData(null, null, null, new long[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 })]
    [InlineData(101L, null, 5, new long[0])]
    [InlineData(null, 5L, 5, new long[0])]
    [InlineData(60L, 30L, null, new long[0])]
    public void Selects_a_log_request_as_the_message_stores_do(long? from, long? to, int? amount, long[] expected)
    {
        var index = new PostIndex();
        for (int i = 1; i <= 10; i++)
        {
            index.Add(i * 10, i);
        }

        var (start, end) = index.Select(from, to, amount);
        Assert.Equal(expected, Enumerable.Range(start, end - start).Select(index.IdAt));
    }
}
