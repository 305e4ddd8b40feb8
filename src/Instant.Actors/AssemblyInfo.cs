namespace Instant.Actors;
