using JkBoats.Data.Email;
using Microsoft.Extensions.DependencyInjection;

namespace JkBoats.Tests.Infrastructure;

/// <summary>The printable confirmation's address with its key, as the app links to it after booking and from the manage page.</summary>
public static class ConfirmationPages
{
    public static async Task<string> PathAsync(IServiceProvider services, Guid bookingId) =>
        $"/bookings/{bookingId}?key={await services.GetRequiredService<ManageLinks>().ConfirmationKeyAsync(bookingId, CancellationToken.None)}";
}
