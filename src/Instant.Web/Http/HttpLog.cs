namespace Instant.Web.Http;

/// <summary>The HTTP access log (<c>--http-log</c>): one combined-format line per request.</summary>
public sealed class HttpLog(LogSink sink, TimeProvider time)
{
    public void Write(
        string address, string requestLine, int status, long? length, string? referer, string? userAgent,
        IReadOnlyList<KeyValuePair<string, string>> extra)
        => sink.WriteEntry(HttpLogFormat.Line(address, time.GetLocalNow(), requestLine, status, length, referer, userAgent, extra));
}
