import S3Objects

/// Exports write to S3 (or an S3-compatible server) with the server's own credentials.
extension S3Client: JournalExportDestination {}
