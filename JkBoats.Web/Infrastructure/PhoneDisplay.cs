using PhoneNumbers;

namespace JkBoats.Web.Infrastructure;

/// <summary>Stored E.164 phones grouped for reading aloud at the desk (+1 415-555-0132).</summary>
public static class PhoneDisplay
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static string Readable(string phone)
    {
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
