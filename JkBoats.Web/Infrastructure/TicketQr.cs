using QRCoder;

namespace JkBoats.Web.Infrastructure;

/// <summary>The check-in QR code of a confirmation code, as a PNG: on the confirmation page and inline in the emails.</summary>
public static class TicketQr
{
    public const string MediaType = "image/png";

    public static byte[] Png(string confirmationCode) =>
        PngByteQRCodeHelper.GetQRCode(confirmationCode, QRCodeGenerator.ECCLevel.M, 8);
}
