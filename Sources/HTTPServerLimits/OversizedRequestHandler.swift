import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers a request whose declared body is over the limit with 413 at once, without passing it
/// on; then reads and discards what the client still sends (clients that send the whole body
/// before reading would otherwise block), and closes the connection when the body ends or
/// `drainTimeout` passes.
final class OversizedRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let limit: Int
    let drainTimeout: TimeAmount
    let response: @Sendable (Int, Int) -> (String, [UInt8])
    private var rejecting = false

    init(limit: Int, drainTimeout: TimeAmount, response: @escaping @Sendable (Int, Int) -> (String, [UInt8])) {
        self.limit = limit
        self.drainTimeout = drainTimeout
        self.response = response
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if rejecting {
            if case .end = part { context.close(promise: nil) }
            return
        }
        guard case .head(let head) = part, let declared = head.headerFields[.contentLength].flatMap({ Int($0) }),
            declared > limit
        else {
            context.fireChannelRead(data)
            return
        }
        rejecting = true
        let (contentType, body) = response(declared, limit)
        var fields = HTTPFields()
        fields[.contentType] = contentType
        fields[.contentLength] = String(body.count)
        fields[.connection] = "close"
        context.write(
            wrapOutboundOut(.head(HTTPResponse(status: .contentTooLarge, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: drainTimeout) { channel.close(promise: nil) }
    }
}
