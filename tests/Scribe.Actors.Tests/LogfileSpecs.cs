using System.Diagnostics;
using System.Text;
using Scribe.Actors.Logging;
using Xunit;
using Instant.Protocol;

namespace Scribe.Actors.Tests;

public sealed class LogfileSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Strings_are_written_as_python_repr_forced_to_ascii()
    {
        string text = "a\"b'c\n\t\u00e9\u2028\U0001F600\u007f\\";
        Assert.Equal("'a\"b\\'c\\n\\t\\xe9\\u2028\\U0001f600\\x7f\\\\'", PyRepr.Format(text));
        Assert.Equal("\"it's\"", PyRepr.Format("it's"));
        Assert.Equal("None", PyRepr.Format(null));
        Assert.Equal("(1,'x',None)", PyRepr.Format(new object?[] { 1L, "x", null }));
        Assert.Equal("1795591823439.8657", PyRepr.Format(1795591823439.8657));
        Assert.Equal("3.0", PyRepr.Format(3.0));
        Assert.Equal("1e+16", PyRepr.Format(1e16));
        Assert.Equal("1.5e-05", PyRepr.Format(0.000015));
        Assert.Equal("0.0001", PyRepr.Format(0.0001));
        Assert.Equal("-123.25", PyRepr.Format(-123.25));
        Assert.Equal("1000000000000000.0", PyRepr.Format(1e15));
        Assert.Equal("'zo\\xeb \\u2603'", PyRepr.Format("zo\u00eb \u2603"));
    }

    [Fact]
    public void A_line_round_trips_through_the_parser()
    {
        var time = new DateTimeOffset(2024, 5, 7, 13, 1, 2, TimeSpan.Zero);
        string nasty = "a\"b'c\n\t\u00e9\u2028\U0001F600\u007f\\ \0 end";
        var line = new LogLine(time, "POST", [new("id", "0005FFC2FCABA001"), new("parent", null), new("text", nasty), new("n", 42L), new("f", 1.5), new("t", new object?[] { "x", 2L })]);
        string written = line.Format();
        Assert.All(written, c => Assert.True(c < 0x80));

        var parsed = LogLineParser.Parse(written)!;
        Assert.Equal(time, parsed.Time);
        Assert.Equal("POST", parsed.Tag);
        Assert.Equal(nasty, parsed["text"]);
        Assert.Null(parsed["parent"]);
        Assert.Equal(42L, parsed["n"]);
        Assert.Equal(1.5, parsed["f"]);
        Assert.Equal(new object?[] { "x", 2L }, (List<object?>)parsed["t"]!);
    }

    [Fact]
    public void Parser_follows_the_originals_grammar_with_its_bugs_fixed()
    {
        var original = LogLineParser.Parse("[2026-11-25 06:42:06] SCRIBE version=v1.5.6")!;
        Assert.Equal("v1.5.6", original["version"]);

        var error = LogLineParser.Parse("[2026-11-25 06:42:06] ERROR reason=\"ConnectionRefusedError(111, 'Connection refused')\" last-frame=('/x.py', 12, 'f', u'text')")!;
        Assert.Equal("ConnectionRefusedError(111, 'Connection refused')", error["reason"]);
        Assert.Equal(4, ((List<object?>)error["last-frame"]!).Count);

        var dict = LogLineParser.Parse("[2026-11-25 06:42:06] X d={'a':1,(1,2):None}")!;
        Assert.Equal(1L, ((Dictionary<object, object?>)dict["d"]!)["a"]);

        Assert.Equal("1.", LogLineParser.Parse("[2026-11-25 06:42:06] X a=1. b=.5 c=inf")!["a"]);
        Assert.Null(LogLineParser.Parse("[2026-11-25 06:42:06] X a=1 junk"));
        Assert.Null(LogLineParser.Parse("not a log line"));
        Assert.Null(LogLineParser.Parse("[2026-13-25 06:42:06] X a=1"));

        // BUG fixes: a Z after the time is accepted; a bare word in a tuple is a string.
        Assert.NotNull(LogLineParser.Parse("[2026-11-25 06:42:06Z] X a=1"));
        Assert.Equal(new object?[] { "bare", "x" }, (List<object?>)LogLineParser.Parse("[2026-11-25 06:42:06] X t=(bare,x)")!["t"]!);
    }

    [Fact]
    public void Reads_back_a_logfile_written_by_the_original()
    {
        string path = _dir.File("original.log");
        File.WriteAllText(path, string.Join("\n",
            "[2026-11-25 06:42:00] SCRIBE version=v1.5.6",
            "[2026-11-25 06:42:00] OPENING file='x.sqlite' maxlen=None",
            "[2026-11-25 06:42:01] UUID id='0005FFC2FCAB9000' uuid='c0ffee00-0000-1000-8000-000000000001'",
            "[2026-11-25 06:42:02] POST id='0005FFC2FCABA001' parent=None from='0005FFC2FCAB9000' nick='zo\\xeb \\u2603' text='hello\\nworld'",
            "[2026-11-25 06:42:03] LOGPOST id='0005FFC2FCABA401' parent='0005FFC2FCABA001' from='0005FFC2FCAB9000' nick='a' text=\"it's\"",
            "[2026-11-25 06:42:03] POST id='0005FFC2FCABA401' parent=None from=None nick='dup' text='ignored, first wins'",
            "[2026-11-25 06:42:04] POST id='0005FFC2FCABA801' parent=None from='0005FFC2FCAB9000' nick='a' text='deleted'",
            "[2026-11-25 06:42:05] DELETE by='0005FFC2FCAB9000' id='0005FFC2FCABA801'",
            "[2026-11-25 06:42:06] POST id='zzzz' parent=None nick='a' text='bad id'",
            "[2026-11-25 06:42:06] MESSAGE content='{\"type\":\"broadcast\"}'",
            ""));
        var restorer = new LogRestorer(null);
        restorer.ReadWithRotation(path, LogRotation.Never);
        var result = restorer.Result();

        Assert.Equal(["0005FFC2FCABA001", "0005FFC2FCABA401"], result.Entries.Select(e => IdFormat.ToHex(e.Id)));
        Assert.Equal("zo\u00eb \u2603", result.Entries[0].Nick);
        Assert.Equal("hello\nworld", result.Entries[0].Text);
        Assert.Equal("it's", result.Entries[1].Text);
        Assert.Equal("c0ffee00-0000-1000-8000-000000000001", result.Uuids[0x0005FFC2FCAB9000]);
    }

    [Fact]
    public void Legacy_message_lines_recover_senders_until_a_version_line()
    {
        string path = _dir.File("legacy.log");
        File.WriteAllText(path, string.Join("\n",
            "[2014-01-01 00:00:00] MESSAGE content='{\"type\":\"broadcast\",\"id\":\"0000000000000401\",\"from\":\"00000000000000AA\",\"data\":{\"type\":\"post\",\"text\":\"x\"}}'",
            "[2014-01-01 00:00:00] POST id='0000000000000401' parent=None nick='old' content='legacy text'",
            ""));
        var restorer = new LogRestorer(null);
        restorer.ReadWithRotation(path, LogRotation.Never);
        var entry = restorer.Result().Entries.Single();
        Assert.Equal(0xAA, entry.Sender);
        Assert.Equal("legacy text", entry.Text);
        Assert.Equal(1, entry.Timestamp);
    }

    [Fact]
    public void Capacity_keeps_the_newest_posts()
    {
        var stream = new MemoryStream(Encoding.ASCII.GetBytes(string.Join("\n",
            Enumerable.Range(1, 25).Select(i => $"[2026-11-25 06:42:00] POST id='{i:X16}' parent=None from=None nick='n' text='t{i}'"))));
        var restorer = new LogRestorer(capacity: 5);
        restorer.Read(stream);
        Assert.Equal(Enumerable.Range(21, 5).Select(i => (long)i), restorer.Result().Entries.Select(e => e.Id));
    }

    [Theory]
    [InlineData("D:none", LogCompression.None, "scribe.2024-05-07.log")]
    [InlineData("D:gz", LogCompression.Gzip, "scribe.2024-05-07.log.gz")]
    [InlineData("D:bz2", LogCompression.Bzip2, "scribe.2024-05-07.log.bz2")]
    [InlineData("D:lzma", LogCompression.Lzma, "scribe.2024-05-07.log.lzma")]
    [InlineData("H:gz", LogCompression.Gzip, "scribe.2024-05-07-23.log.gz")]
    [InlineData("M:bz2", LogCompression.Bzip2, "scribe.2024-05.log.bz2")]
    [InlineData("Y:lzma", LogCompression.Lzma, "scribe.2024.log.lzma")]
    public void Rotated_files_round_trip_through_every_compression(string pattern, LogCompression compression, string firstRotated)
    {
        var rotation = LogRotation.Parse(pattern);
        Assert.Equal(compression, rotation.Compression);
        string path = _dir.File("scribe.log");
        var time = new ManualTime(new DateTimeOffset(2024, 5, 7, 23, 59, 0, TimeSpan.Zero));
        using (var writer = LogfileWriter.Open(path, rotation, time))
        {
            writer.Write("SCRIBE", ("version", new BareWord("v1.6.0")));
            WritePost(writer, 1, "before the first rotation \u2603");
            time.Set(time.GetUtcNow().AddYears(1).AddMonths(1).AddDays(1).AddHours(1));
            WritePost(writer, 2, "second period");
            time.Set(time.GetUtcNow().AddYears(1).AddMonths(1).AddDays(1).AddHours(1));
            WritePost(writer, 3, "live file");
        }

        Assert.True(File.Exists(_dir.File(firstRotated)), string.Join(", ", Directory.GetFiles(_dir.Path)));
        Assert.Equal(3, Directory.GetFiles(_dir.Path).Length);
        var restorer = new LogRestorer(null);
        restorer.ReadWithRotation(path, rotation);
        var result = restorer.Result();
        Assert.Equal(new long[] { 1, 2, 3 }, result.Entries.Select(e => e.Id));
        Assert.Equal("before the first rotation \u2603", result.Entries[0].Text);
    }

    [Fact]
    public void Lzma_rotated_files_are_xz_that_python_reads()
    {
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("[2024-01-01 00:00:00] POST id='0000000000000001'\n", 200)));
        byte[] xz = LogCompressionCodec.XzEncode(data);
        Assert.Equal(new byte[] { 0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0 }, xz[..6]);
        string path = _dir.File("f.lzma");
        File.WriteAllBytes(path, xz);
        using (var read = LogCompressionCodec.OpenRead(path, LogCompression.Lzma))
        using (var copy = new MemoryStream())
        {
            read.CopyTo(copy);
            Assert.Equal(data, copy.ToArray());
        }

        // The original reads rotated files with Python's lzma module: check that one does too.
        var python = new ProcessStartInfo("python3", ["-c", "import lzma,sys; sys.stdout.write(str(len(lzma.open(sys.argv[1]).read())))", path])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(python)!;
        Assert.True(process.WaitForExit(30_000));
        Assert.Equal(data.Length.ToString(), process.StandardOutput.ReadToEnd());
    }

    [Fact]
    public void Reads_files_compressed_by_python_as_the_original_rotates_them()
    {
        string live = _dir.File("scribe.log");
        File.WriteAllText(live, "[2024-05-08 00:00:00] POST id='0000000000000003' parent=None from=None nick='n' text='live'\n");
        foreach (var (module, ext, id) in new[] { ("gzip", "gz", 1), ("bz2", "bz2", 2) })
        {
            string rotated = _dir.File($"scribe.2024-05-0{id}.log.{ext}");
            var python = new ProcessStartInfo("python3", ["-c",
                $"import {module},sys; f={module}.open(sys.argv[1],'wb'); f.write(sys.argv[2].encode()); f.close()", rotated,
                $"[2024-05-0{id} 00:00:00] POST id='{id:X16}' parent=None from=None nick='n' text='from python'\n"]);
            using var process = Process.Start(python)!;
            Assert.True(process.WaitForExit(30_000));
            Assert.Equal(0, process.ExitCode);
            var restorer = new LogRestorer(null);
            restorer.ReadWithRotation(live, LogRotation.Parse("D:" + ext));
            Assert.Equal(new long[] { id, 3 }, restorer.Result().Entries.Select(e => e.Id));
        }
    }

    [Fact]
    public void Bad_rotation_patterns_are_refused()
    {
        Assert.Throws<FormatException>(() => LogRotation.Parse("Q"));
        Assert.Throws<FormatException>(() => LogRotation.Parse("D:zip"));
        Assert.Equal(LogRotation.Never, LogRotation.Parse(""));
    }

    private static void WritePost(LogfileWriter writer, long id, string text)
        => writer.Write("POST", ("id", IdFormat.ToHex(id)), ("parent", null), ("from", null), ("nick", "n"), ("text", text));
}
