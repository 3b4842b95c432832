using System.Security.Cryptography;

namespace JkBoats.Data.Bookings;

public static class ConfirmationCode
{
    // No 0/O, 1/I/L: a code read aloud at the pier must not be misheard or mistyped.
    public const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    public const string Prefix = "JKB-";
    public const int Length = 6;

    public static string New() => Prefix + new string(RandomNumberGenerator.GetItems<char>(Alphabet, Length));

    /// <summary>The code as a look-up shows it: prefix and the last two characters. Enough to tell bookings apart, too little to
    /// board with (the whole code is the check-in credential).</summary>
    public static string Mask(string code) =>
        code.Length == Prefix.Length + Length ? Prefix + new string('*', Length - 2) + code[^2..] : Prefix + new string('*', Length);

    public static bool IsWellFormed(string code) =>
        code.Length == Prefix.Length + Length
        && code.StartsWith(Prefix, StringComparison.Ordinal)
        && code[Prefix.Length..].All(Alphabet.Contains);
}
