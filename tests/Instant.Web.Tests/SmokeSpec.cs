namespace Instant.Web.Tests;

public class SmokeSpec
{
    [Xunit.Fact]
    public void Builds() => Xunit.Assert.True(true);
}
