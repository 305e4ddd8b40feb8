using Instant.Run.Config;
using Instant.Run.Master;
using Xunit;

namespace Instant.Run.Tests;

public class MasterLogSpecs
{
    [Fact]
    public void Lines_carry_timestamp_logger_and_level()
    {
        var output = new StringWriter();
        new MasterLog(output, LogLevel.Info, timestamps: true).Info("restart", "Restarting process x.");
        Assert.Matches(@"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d restart INFO\] Restarting process x\.\n$", output.ToString().Replace("\r", ""));
    }

    [Fact]
    public void Timestamps_can_be_left_out_and_lower_levels_are_dropped()
    {
        var output = new StringWriter();
        var log = new MasterLog(output, LogLevel.Warning, timestamps: false);
        log.Info("server", "dropped");
        log.Warning("spawn", "kept");
        Assert.Equal("[spawn WARNING] kept\n", output.ToString().Replace("\r", ""));
    }
}
