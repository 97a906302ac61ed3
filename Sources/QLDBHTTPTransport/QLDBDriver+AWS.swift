import Foundation
import QLDBDriver
import SigV4

extension QLDBDriver {
    /// Creates a driver for a ledger in an AWS region (or at any endpoint), signing with the
    /// given credentials (the default AWS chain when `nil`).
    public convenience init(
        ledger: String, region: String, endpoint: URL? = nil, credentials: (any CredentialProvider)? = nil,
        configuration: QLDBDriverConfiguration = .init()
    ) {
        var http = HTTPTransport.Configuration.regional(region)
        if let endpoint { http.endpoint = endpoint }
        let transport = HTTPTransport(
            configuration: http, credentials: credentials ?? CredentialProviderChain.default())
        self.init(ledger: ledger, transport: transport, configuration: configuration)
    }
}
