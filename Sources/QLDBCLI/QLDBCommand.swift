import ArgumentParser
import QLDBSession

/// The `qldb` command-line tool.
@main
struct QLDBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qldb",
        abstract: "Tools for Amazon Ion data and QLDB ledgers.",
        version: SwiftQLDBVersion.current,
        subcommands: [
            IonCommand.self, DigestCommand.self, ServeCommand.self, VerifyCommand.self, BackupCommand.self,
            ImportExportCommand.self, PolicyCommand.self,
        ]
    )
}

/// `qldb ion …`: Ion tools.
struct IonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ion",
        abstract: "Read, convert and inspect Ion data.",
        subcommands: [IonCatCommand.self, IonHashCommand.self]
    )
}
