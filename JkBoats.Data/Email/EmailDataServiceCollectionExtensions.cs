using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Data.Email;

public static class EmailDataServiceCollectionExtensions
{
    public static IServiceCollection AddEmailOutbox(this IServiceCollection services)
    {
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<ManageLinks>();
        services.AddSingleton<ReminderQueue>();
        return services;
    }
}
