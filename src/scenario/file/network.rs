//! The network's settings, as `[network]` and the `set-network` action both write them.

use crate::engine::limits;
use crate::engine::NetworkConfig;

use super::problems::Problems;
use super::table::TableReader;

/// `drop_per_million` is a probability: more than a million per million means nothing.
pub(super) fn check_drop_rate(
    reader: &TableReader<'_>,
    config: &NetworkConfig,
    problems: &mut Problems,
) {
    if config.drop_per_million > limits::MAX_DROP_PER_MILLION {
        problems.error(
            reader.span_of("drop_per_million"),
            format!(
                "{}: {} is more than a million per million; use 0 (no loss) to {} (every message lost)",
                reader.field_path("drop_per_million"),
                config.drop_per_million,
                limits::MAX_DROP_PER_MILLION
            ),
        );
    }
}
