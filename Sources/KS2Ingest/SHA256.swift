import CLibCrypto

/// SHA-256 of input bytes for run.json, so a report can be tied to the exact export it came from
/// (OpenSSL's libcrypto, which libxlsxwriter already loads: maintained, and as fast as the SHA
/// extensions allow).
public enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(of bytes: UnsafeRawBufferPointer) -> String {
        _ = initialised
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let data = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        let ok = digest.withUnsafeMutableBufferPointer { out in
            EVP_Digest(data, bytes.count, out.baseAddress, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1 && length == 32, "libcrypto could not compute a SHA-256 digest")
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for b in digest {
            text.append(digits[Int(b >> 4)])
            text.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// libcrypto set up once, without exit-time clean-up (see `ks2_crypto_init`).
    private static let initialised: Int32 = ks2_crypto_init()

    /// The digest of bytes held in an array.
    public static func hex(of bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(of: $0) }
    }
}
