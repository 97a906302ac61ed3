/// The awsJson1_0 bodies of `SendCommand`, written and read by hand.
///
/// Every command of a transaction is one request and one response, so this codec is on the hot
/// path of both the driver and the ledger: it writes straight into a byte buffer and parses with
/// a small JSON reader, where `JSONEncoder`/`JSONDecoder` with key strategies cost over ten
/// microseconds a body. The Codable conformances (``SendCommandJSON/encoder()``) stay for anyone
/// who wants them; the tests hold both to the same wire examples.
///
/// Its parts: `+Writer` (the JSON writer), `+Encoding` (requests and responses to bytes),
/// `+Requests` (request bodies through `+JSONReader`'s tree), `+Responses` (response bodies read
/// in one streaming pass, the driver's hot path).
package enum SendCommandWireCodec {}
