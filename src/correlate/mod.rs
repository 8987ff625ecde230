//! Merging the sources into one stream and judging it into a draft timeline.
