namespace Instant.Web;

/// <summary>The cluster downed this node before it served: the process exits with status 3, as a downed node does.</summary>
public sealed class NodeDownedException() : Exception("the cluster downed this node while it was starting");
