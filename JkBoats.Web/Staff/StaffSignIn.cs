using JkBoats.Data.Staff;
using Microsoft.AspNetCore.Identity;

namespace JkBoats.Web.Staff;

public enum StaffSignInResult
{
    Succeeded,
    Failed,
}

/// <summary>Checks staff credentials with lockout; a wrong email, a wrong password and a locked account look the same.</summary>
public sealed class StaffSignIn(StaffRepository staff, IPasswordHasher<StaffMember> hasher, TimeProvider clock, ILogger<StaffSignIn> log)
{
    // Verifying against a real hash for unknown emails keeps the answer time the same either way.
    private readonly string _decoyHash = hasher.HashPassword(null!, Guid.NewGuid().ToString());

    public async Task<(StaffSignInResult Result, StaffMember? Member)> CheckAsync(string email, string password, CancellationToken ct)
    {
        var member = await staff.FindByEmailAsync(email, ct);
        if (member is null)
        {
            hasher.VerifyHashedPassword(null!, _decoyHash, password);
            return (StaffSignInResult.Failed, null);
        }
        if (!member.IsActive || member.LockedUntil > clock.GetUtcNow().UtcDateTime)
        {
            hasher.VerifyHashedPassword(member, member.PasswordHash, password);
            log.LogWarning("Sign-in refused for staff {StaffId}: {Reason}", member.Id, member.IsActive ? "locked out" : "inactive");
            return (StaffSignInResult.Failed, null);
        }
        var verdict = hasher.VerifyHashedPassword(member, member.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            await staff.RecordFailureAsync(member.Id, ct);
            log.LogWarning("Failed sign-in for staff {StaffId}", member.Id);
            return (StaffSignInResult.Failed, null);
        }
        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(member, password) : null;
        await staff.RecordSuccessAsync(member.Id, rehash, ct);
        log.LogInformation("Staff {StaffId} signed in{Rehashed}", member.Id, rehash is null ? "" : " (password rehashed)");
        return (StaffSignInResult.Succeeded, member);
    }

    public string Hash(string password) => hasher.HashPassword(null!, password);
}
