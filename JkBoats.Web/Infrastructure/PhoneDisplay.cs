using PhoneNumbers;

namespace JkBoats.Web.Infrastructure;

/// <summary>Stored E.164 phones grouped for reading aloud at the desk (+1 415-555-0132).</summary>
public static class PhoneDisplay
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>A walk-in may give no phone (stored empty): that reads "none given", not a blank.</summary>
    public static string Readable(string phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return "none given";
        }
        try
        {
            return Phones.Format(Phones.Parse(phone, null), PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return phone;
        }
    }
}
