using Instant.Load.Client;
using Xunit;

namespace Instant.Load.Tests;

public sealed class ReconnectBackoffSpecs
{
    [Theory]
    [InlineData(0, 0.1, 0.5)]
    [InlineData(1, 0.2, 1.0)]
    [InlineData(2, 0.4, 2.0)]
    [InlineData(3, 0.8, 4.0)]
    [InlineData(4, 1.0, 5.0)]
    [InlineData(40, 1.0, 5.0)]
    public void The_pause_starts_at_a_tenth_to_half_a_second_doubles_and_is_capped(int attempt, double low, double high)
    {
        Assert.Equal(low, ReconnectBackoff.Delay(attempt, 0).TotalSeconds, 6);
        Assert.Equal(high, ReconnectBackoff.Delay(attempt, 1).TotalSeconds, 6);
        double mid = ReconnectBackoff.Delay(attempt, 0.5).TotalSeconds;
        Assert.True(mid > low && mid < high);
    }

    [Fact]
    public void The_first_attempt_goes_to_the_next_node_or_with_spread_to_each_other_node_in_turn()
    {
        // Node 0 of 3 lost: its clients are 0, 3, 6, 9.
        Assert.All(new[] { 0, 3, 6, 9 }, c => Assert.Equal(1, ReconnectBackoff.FirstStep(c, 3, spread: false)));
        Assert.Equal([1, 2, 1, 2], new[] { 0, 3, 6, 9 }.Select(c => ReconnectBackoff.FirstStep(c, 3, spread: true)));
        // Never the lost node itself while there is another.
        for (int c = 0; c < 50; c++) Assert.InRange(ReconnectBackoff.FirstStep(c, 6, spread: true), 1, 5);
        Assert.Equal(0, ReconnectBackoff.FirstStep(7, 1, spread: true));
    }
}
