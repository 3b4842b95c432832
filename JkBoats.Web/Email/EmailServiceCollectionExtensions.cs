using JkBoats.Data;
using JkBoats.Data.Email;
using Microsoft.Extensions.Options;

namespace JkBoats.Web.Email;

public static class EmailServiceCollectionExtensions
{
    public static IServiceCollection AddJkBoatsEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section);
        services.AddOptions<ManageLinkOptions>().BindConfiguration(JkBoatsOptions.Section);
        services.AddSingleton<EmailRenderer>();
        services.AddSingleton<WaitlistEmails>();
        services.AddSingleton<BookingEmails>();
        services.AddSingleton<IEmailTransport>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EmailOptions>>();
            return options.Value.UsesSmtp ? new SmtpEmailTransport(options) : new PickupDirectoryTransport(options);
        });
        services.AddSingleton<INotifier, EmailNotifier>();
        services.AddHostedService<EmailOutboxWorker>();
        services.AddHostedService<ReminderSweeper>();
        return services;
    }
}
