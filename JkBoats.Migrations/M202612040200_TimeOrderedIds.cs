using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>New rows of the tables every booking writes get time-ordered ids (UUID version 7: 48 bits of Unix milliseconds, then
/// 74 random bits), so their primary keys and the indexes led by <c>booking_id</c> grow at their right edge instead of taking a
/// random leaf page for every row. With random (version 4) ids each booking dirtied about ten scattered index pages; once the
/// indexes outgrow PostgreSQL's buffers (ten times the bench's data), most of those were reads and writes of evicted pages.
/// The app makes the ids of bookings and customers itself (<c>Guid.CreateVersion7</c>); this function is the default for rows
/// the database names. Existing ids stay as they are. Also drops <c>ix_passengers_booking</c>, which
/// <c>ux_passengers_position (booking_id, position)</c> already covers: one index insert less per passenger.</summary>
[Migration(202612040200, "Time-ordered ids for booking rows; drop the redundant passengers index")]
public sealed class M202612040200_TimeOrderedIds : Migration
{
    private static readonly string[] Tables = ["bookings", "customers", "passengers", "payments", "email_outbox", "waitlist_entries"];

    public override void Up()
    {
        Execute.Sql("""
            create function uuid_v7() returns uuid language sql volatile parallel safe as $$
                select encode(
                    set_bit(set_bit(
                        overlay(uuid_send(gen_random_uuid())
                                placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
                                from 1 for 6),
                        52, 1), 53, 1),
                    'hex')::uuid
            $$;
            comment on function uuid_v7() is 'A version 7 UUID: Unix milliseconds first, so new keys sort after older ones.';
            """);
        foreach (var table in Tables)
        {
            Execute.Sql($"alter table {table} alter column id set default uuid_v7();");
        }
        Execute.Sql("drop index ix_passengers_booking;");
    }

    public override void Down()
    {
        Execute.Sql("create index ix_passengers_booking on passengers (booking_id);");
        foreach (var table in Tables)
        {
            Execute.Sql($"alter table {table} alter column id set default gen_random_uuid();");
        }
        Execute.Sql("drop function uuid_v7();");
    }
}
