using System.Text;

namespace Instant.Web.Http;

/// <summary>
/// A log destination: a file opened for appending, or standard error for <c>-</c>. Each entry
/// is written whole and flushed at once, so concurrent writers never interleave lines.
/// </summary>
public sealed class LogSink : IDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly object _lock = new();

    private LogSink(TextWriter writer, bool ownsWriter)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
    }

    public static LogSink Open(string path)
    {
        if (path == "-")
        {
            return new LogSink(Console.Error, ownsWriter: false);
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new LogSink(new StreamWriter(stream, new UTF8Encoding(false)), ownsWriter: true);
    }

    public void WriteEntry(string entry)
    {
        lock (_lock)
        {
            _writer.Write(entry);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        if (_ownsWriter)
        {
            lock (_lock)
            {
                _writer.Dispose();
            }
        }
    }
}
