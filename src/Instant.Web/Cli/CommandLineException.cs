namespace Instant.Web.Cli;

/// <summary>A bad command line or configuration: printed as one clear line, exit status 2.</summary>
public sealed class CommandLineException(string message) : Exception(message);
