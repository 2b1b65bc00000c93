/** seedfeed's library API: what the CLI and the tests call. */
export { build, renderFeeds, sortNewestFirst, OPML_FILE, type BuildOptions, type BuildResult, type Output } from './build.js';
export { mainFeed, archiveFeeds, topicFeeds, type PlannedFeed } from './feeds.js';
export { topicsOf, type Topic, type TopicKind } from './topics.js';
export { publish, readLog, type PublishOptions } from './publish.js';
export { summaryLine, DEFAULT_STATE_FILE, type PublishReport } from './report.js';
export { checkConfig, loadConfig, DEFAULT_CONFIG_FILE, DEFAULT_LIMIT } from './config.js';
export { parseSeed, type ParsedSeed } from './parse/index.js';
export { parsePlainSeed, splitHeadline, isDek, sharerName, looksLikePublicationName } from './parse/seed.js';
export { splitFrontMatter } from './parse/frontmatter.js';
export { assignIdentities, emptyLog, type PublishLog, type LogEntry } from './identity.js';
export { FORMATS, type OutputFormat } from './render/formats.js';
export { forgetFragments } from './render/direct.js';
export { startServer } from './serve.js';
export { createProgress } from './progress.js';
export { pingHub, changedFeedUrls } from './websub.js';
export { formatDiagnostic, EXIT, SeedfeedError, type Diagnostic } from './diagnostics.js';
export type { Item, Person, Source, SiteConfig } from './model.js';
