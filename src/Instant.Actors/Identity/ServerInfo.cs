namespace Instant.Actors.Identity;

/// <summary>What the <c>identity</c> frame and <c>/static/version.js</c> tell clients about the server.</summary>
public sealed record ServerInfo(string Version, string Era, string? Revision, string ConfigHash);
