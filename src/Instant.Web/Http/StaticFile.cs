namespace Instant.Web.Http;

/// <summary>A file ready to serve: its bytes, a strong ETag, and its Content-Type (null when unknown).</summary>
public sealed record StaticFile(byte[] Content, string ETag, string? ContentType);
