using System.Text;

namespace Scribe.Actors.Logging;

/// <summary>
/// Writes the machine-readable logfile (or standard output for <c>-</c>), one flushed line per
/// record, and rotates it by period: when a write falls at or past the end of the current
/// period, the file is renamed to its rotated name, compressed if asked (the uncompressed copy
/// is then removed), and a new file is started. Thread-safe.
/// </summary>
public sealed class LogfileWriter : IDisposable
{
    private readonly object _gate = new();
    private readonly string? _path;
    private readonly LogRotation _rotation;
    private readonly TimeProvider _time;
    private TextWriter? _writer;
    private DateTime? _periodStart;

    private LogfileWriter(string? path, LogRotation rotation, TimeProvider time, TextWriter? writer)
    {
        _path = path;
        _rotation = rotation;
        _time = time;
        _writer = writer;
    }

    /// <summary>A writer to a file (<c>-</c> is standard output, which never rotates).</summary>
    public static LogfileWriter Open(string path, LogRotation rotation, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (path == "-")
        {
            return new LogfileWriter(null, LogRotation.Never, time, new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
        }

        var writer = new LogfileWriter(path, rotation, time, null);
        writer.OpenFile();
        return writer;
    }

    /// <summary>A writer into any text writer (tests, embedding hosts); never rotates.</summary>
    public static LogfileWriter To(TextWriter target, TimeProvider? time = null)
        => new(null, LogRotation.Never, time ?? TimeProvider.System, target);

    /// <summary>A writer that drops everything (<c>--no-log</c>).</summary>
    public static LogfileWriter Null() => new(null, LogRotation.Never, TimeProvider.System, null);

    public void Write(string tag, params (string Key, object? Value)[] values)
    {
        var now = _time.GetUtcNow();
        string line = new LogLine(now, tag, values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value)).ToList()).Format();
        lock (_gate)
        {
            if (_writer is null)
            {
                return;
            }

            RotateIfDue(now.UtcDateTime);
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void OpenFile()
    {
        var info = new FileInfo(_path!);
        if (_rotation.Rotates && info.Exists && info.Length > 0)
        {
            _periodStart = _rotation.PeriodStart(info.LastWriteTimeUtc);
        }

        ParentDirectory.Create(_path!);
        var stream = new FileStream(_path!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _writer = new StreamWriter(stream, new UTF8Encoding(false));
    }

    private void RotateIfDue(DateTime now)
    {
        if (!_rotation.Rotates || _path is null)
        {
            return;
        }

        if (_periodStart is not { } start)
        {
            _periodStart = _rotation.PeriodStart(now);
            return;
        }

        if (now < _rotation.PeriodEnd(start))
        {
            return;
        }

        _writer!.Dispose();
        string rotated = _rotation.RotatedName(_path, start);
        File.Move(_path, rotated, overwrite: true);
        if (_rotation.Compression != LogCompression.None)
        {
            LogCompressionCodec.Compress(rotated, rotated + _rotation.CompressionSuffix, _rotation.Compression);
            File.Delete(rotated);
        }

        _periodStart = _rotation.PeriodStart(now);
        OpenFile();
    }
}
