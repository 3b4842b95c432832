using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>At most one reminder per booking and departure time, however many instances sweep and however often they restart: the
/// sweepers insert with <c>on conflict do nothing</c> against this index. The key includes the departure time (from the payload), so
/// a booking moved to another trip after its reminder is reminded of the new one; every reminder row must carry that time.</summary>
[Migration(202612030800, "One reminder per booking and departure time")]
public sealed class M202612030800_AddReminderOnce : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            delete from email_outbox where kind = 'booking_reminder' and payload ->> 'departure_time' is null;
            alter table email_outbox add constraint ck_email_outbox_reminder_time
                check (kind <> 'booking_reminder' or payload ->> 'departure_time' is not null);
            create unique index ux_email_outbox_reminder_once on email_outbox (booking_id, (payload ->> 'departure_time'))
                where kind = 'booking_reminder';
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            drop index ux_email_outbox_reminder_once;
            alter table email_outbox drop constraint ck_email_outbox_reminder_time;
            """);
    }
}
