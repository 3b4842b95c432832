using FluentMigrator;

namespace JkBoats.Migrations;

[Migration(202611241700, "Email outbox kind for moved bookings")]
public sealed class M202611241700_AllowBookingMovedEmails : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            alter table email_outbox drop constraint ck_email_outbox_kind;
            alter table email_outbox add constraint ck_email_outbox_kind
                check (kind in ('booking_confirmed', 'booking_cancelled', 'booking_moved'));
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            delete from email_outbox where kind = 'booking_moved';
            alter table email_outbox drop constraint ck_email_outbox_kind;
            alter table email_outbox add constraint ck_email_outbox_kind check (kind in ('booking_confirmed', 'booking_cancelled'));
            """);
    }
}
