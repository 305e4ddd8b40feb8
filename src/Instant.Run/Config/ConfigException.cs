namespace Instant.Run.Config;

/// <summary>A configuration file that cannot be used; the message says what and where.</summary>
public sealed class ConfigException(string message) : Exception(message);
