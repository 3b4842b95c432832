using JkBoats.Data.Staff;

namespace JkBoats.Web.Staff;

public static class DemoStaff
{
    public static readonly (string Email, string Name, string Role, string Password)[] Accounts =
    [
        ("admin@jkboats.example", "Demo Admin", StaffRoles.Admin, "demo-admin-pass"),
        ("agent@jkboats.example", "Demo Agent", StaffRoles.Agent, "demo-agent-pass"),
    ];

    public static async Task EnsureAsync(IServiceProvider services, ILogger log, CancellationToken ct)
    {
        var staff = services.GetRequiredService<StaffRepository>();
        var signIn = services.GetRequiredService<StaffSignIn>();
        foreach (var (email, name, role, password) in Accounts)
        {
            await staff.AddAsync(email, name, role, signIn.Hash(password), replace: false, ct);
            log.LogInformation("Demo staff sign-in at /staff/signin: {Email} / {Password} ({Role})", email, password, role);
        }
    }
}
