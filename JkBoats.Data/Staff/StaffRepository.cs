using Dapper;
using Npgsql;

namespace JkBoats.Data.Staff;

public static class StaffRoles
{
    public const string Agent = "agent";
    public const string Admin = "admin";

    public static bool IsValid(string? role) => role is Agent or Admin;
}

public sealed record StaffMember(
    Guid Id, string Email, string DisplayName, string Role, string PasswordHash, int FailedAttempts, int LockoutCount,
    DateTime? LockedUntil, bool IsActive, Guid SecurityStamp, DateTime? LastSignInAt);

public enum StaffUpdateResult
{
    Done,
    NotFound,
    LastAdmin,
}

public sealed record StaffSessionState(Guid SecurityStamp, bool IsActive);

public sealed class StaffRepository(NpgsqlDataSource db)
{
    public const int MaxFailedAttempts = 5;

    public async Task<StaffMember?> FindByEmailAsync(string email, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StaffMember>(new CommandDefinition(
            Select + " where lower(email) = lower(@email)", new { email = email.Trim() }, cancellationToken: ct));
    }

    public async Task<StaffMember?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StaffMember>(new CommandDefinition(Select + " where id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>One primary-key lookup on the primary (a replica may lag behind a sign-out).</summary>
    public async Task<StaffSessionState?> GetSessionStateAsync(Guid id, CancellationToken ct)
    {
        const string sql = "select security_stamp, is_active from staff where id = @id";
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StaffSessionState>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    /// <summary>Ends every session of the member, on every device and instance: no cookie carries the new stamp.</summary>
    public async Task EndSessionsAsync(Guid id, CancellationToken ct)
    {
        const string sql = "update staff set security_stamp = gen_random_uuid(), updated_at = now() where id = @id";
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<StaffMember>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StaffMember>(new CommandDefinition(Select + " order by is_active desc, lower(display_name)", cancellationToken: ct))).AsList();
    }

    public async Task<Guid?> AddAsync(string email, string displayName, string role, string passwordHash, bool replace, CancellationToken ct)
    {
        const string insert = """
            insert into staff (email, display_name, role, password_hash) values (@email, @displayName, @role, @passwordHash)
            on conflict ((lower(email))) do nothing
            returning id
            """;
        const string upsert = """
            insert into staff (email, display_name, role, password_hash) values (@email, @displayName, @role, @passwordHash)
            on conflict ((lower(email))) do update
                set display_name = excluded.display_name, role = excluded.role, password_hash = excluded.password_hash,
                    failed_attempts = 0, locked_until = null, is_active = true, security_stamp = gen_random_uuid(), updated_at = now()
            returning id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(replace ? upsert : insert,
            new { email = email.Trim().ToLowerInvariant(), displayName = displayName.Trim(), role, passwordHash }, cancellationToken: ct));
    }

    /// <summary>Counts a failed sign-in; the fifth in a row locks the account, each lockout twice as long as the last (capped at a day).</summary>
    public async Task RecordFailureAsync(Guid id, CancellationToken ct)
    {
        const string sql = """
            update staff
            set failed_attempts = case when failed_attempts + 1 >= @max then 0 else failed_attempts + 1 end,
                lockout_count = case when failed_attempts + 1 >= @max then lockout_count + 1 else lockout_count end,
                locked_until = case when failed_attempts + 1 >= @max
                                    then now() + least(interval '1 minute' * power(2, lockout_count) * 5, interval '1 day')
                                    else locked_until end,
                updated_at = now()
            where id = @id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id, max = MaxFailedAttempts }, cancellationToken: ct));
    }

    public async Task RecordSuccessAsync(Guid id, string? newPasswordHash, CancellationToken ct)
    {
        const string sql = """
            update staff
            set failed_attempts = 0, lockout_count = 0, locked_until = null, last_sign_in_at = now(),
                password_hash = coalesce(@newPasswordHash, password_hash), updated_at = now()
            where id = @id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id, newPasswordHash }, cancellationToken: ct));
    }

    /// <summary>Changes role or active flag; either ends the member's current sessions. Refuses (and changes nothing) to leave no
    /// active admin: the active admins' rows are locked first, so two admins demoting each other at once cannot both succeed.</summary>
    public async Task<StaffUpdateResult> UpdateAsync(Guid id, string displayName, string role, bool isActive, CancellationToken ct)
    {
        const string lockAdmins = "select id from staff where role = @admin and is_active order by id for update";
        const string sql = """
            update staff
            set display_name = @displayName, role = @role, is_active = @isActive,
                security_stamp = case when role <> @role or is_active <> @isActive then gen_random_uuid() else security_stamp end,
                updated_at = now()
            where id = @id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var admins = (await connection.QueryAsync<Guid>(new CommandDefinition(lockAdmins, new { admin = StaffRoles.Admin }, transaction, cancellationToken: ct))).AsList();
        if (admins.Count == 1 && admins[0] == id && (!isActive || role != StaffRoles.Admin))
        {
            return StaffUpdateResult.LastAdmin;
        }
        if (await connection.ExecuteAsync(new CommandDefinition(sql, new { id, displayName = displayName.Trim(), role, isActive }, transaction, cancellationToken: ct)) != 1)
        {
            return StaffUpdateResult.NotFound;
        }
        await transaction.CommitAsync(ct);
        return StaffUpdateResult.Done;
    }

    public async Task<bool> SetPasswordAsync(Guid id, string passwordHash, CancellationToken ct)
    {
        const string sql = """
            update staff set password_hash = @passwordHash, security_stamp = gen_random_uuid(), failed_attempts = 0, locked_until = null, updated_at = now()
            where id = @id
            """;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id, passwordHash }, cancellationToken: ct)) == 1;
    }

    private const string Select = """
        select id, email, display_name, role, password_hash, failed_attempts, lockout_count, locked_until, is_active, security_stamp, last_sign_in_at
        from staff
        """;
}
