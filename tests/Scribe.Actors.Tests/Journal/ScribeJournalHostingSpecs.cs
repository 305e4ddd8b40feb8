using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scribe.Actors.Journal;
using Scribe.Actors.Stores;
using Xunit;

namespace Scribe.Actors.Tests.Journal;

/// <summary>The Akka.Hosting wiring: a host that calls <c>AddScribeJournal</c> runs room logs on the journal of its settings.</summary>
public sealed class ScribeJournalHostingSpecs : IDisposable
{
    private readonly TestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_host_keeps_room_logs_in_the_journal_its_settings_name()
    {
        var settings = new Dictionary<string, string?> { ["instant.scribe.directory"] = _dir.File("data") };
        var journal = ScribeJournalConfig.FromSettings(key => settings.GetValueOrDefault(key));
        Assert.Equal(_dir.File("data/journal.sqlite"), journal.SqlitePath);
        var post = new LogEntry(0x0005FFC2FCABA001, null, 7, "n", "kept");

        foreach (bool second in new[] { false, true })
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddAkka("journal-hosting-spec", (akka, _) => akka.AddScribeJournal(journal));
            using var host = builder.Build();
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var system = host.Services.GetRequiredService<ActorSystem>();
            var log = JournalScribeLog.Start(system, system, "lobby", journal);
            if (!second)
            {
                Assert.Equal([post], await log.AppendAsync([post]));
            }

            // The second host finds the post the first one stored.
            Assert.Equal([post], await log.RangeAsync(null, null, 10));
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal.SqlitePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }
}
