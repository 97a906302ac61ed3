import NIOCore
import Synchronization

/// The number of open connections of one server.
final class ConnectionCounter: Sendable {
    let open = Atomic<Int>(0)
}

/// Closes a connection that would exceed the server's limit, as soon as it arrives.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let counter: ConnectionCounter
    let limit: Int
    private var counted = false

    init(counter: ConnectionCounter, limit: Int) {
        self.counter = counter
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let open = counter.open.wrappingAdd(1, ordering: .relaxed).newValue
        counted = true
        if open > limit { context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    private func release() {
        guard counted else { return }
        counted = false
        counter.open.wrappingSubtract(1, ordering: .relaxed)
    }
}
