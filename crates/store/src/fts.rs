//! Full-text index (tantivy) of the embedded store: title and text of every article.
//!
//! Derived data: SQLite is the source of truth. Documents are added after the SQLite commit;
//! on open, an index whose document count differs from the article count is rebuilt.

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, Value, STORED, STRING, TEXT};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::Result;

pub(crate) struct Fts {
    index: Index,
    reader: IndexReader,
    /// Serialises this process's writers; the index's own lock file serialises processes.
    writing: Mutex<()>,
    id: Field,
    title: Field,
    text: Field,
}

pub(crate) struct Doc<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub text: &'a str,
}

impl Fts {
    pub fn open(dir: &Path) -> Result<Fts> {
        std::fs::create_dir_all(dir)?;
        let mut sb = Schema::builder();
        let id = sb.add_text_field("id", STRING | STORED);
        let title = sb.add_text_field("title", TEXT);
        let text = sb.add_text_field("text", TEXT);
        let schema = sb.build();
        let index = Index::open_or_create(tantivy::directory::MmapDirectory::open(dir)?, schema)?;
        let reader = index
            .reader_builder()
            // Commits by other processes (an `ingest` beside a `serve`) show up by themselves.
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Fts {
            index,
            reader,
            writing: Mutex::new(()),
            id,
            title,
            text,
        })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Run `f` with a writer taken for this call only, so that several processes can share
    /// the store: while another process holds the index's writer lock, wait (up to 30 s).
    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut w: IndexWriter = loop {
            match self.index.writer_with_num_threads(1, 32_000_000) {
                Ok(w) => break w,
                Err(tantivy::TantivyError::LockFailure(..))
                    if std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(e.into()),
            }
        };
        match f(&mut w) {
            Ok(x) => {
                // Let the merges this commit started finish, so segments do not pile up.
                w.wait_merging_threads()?;
                Ok(x)
            }
            Err(e) => {
                // Drop uncommitted work; the next write starts from the last commit.
                w.rollback().ok();
                Err(e)
            }
        }
    }

    /// Sequence number of the last article indexed (the payload of the last commit).
    pub fn indexed_seq(&self) -> Result<i64> {
        Ok(self
            .index
            .load_metas()?
            .payload
            .and_then(|p| p.parse().ok())
            .unwrap_or(0))
    }

    /// Run `f` under this process's index lock (so the indexed sequence read inside stays
    /// valid until `add`).
    pub fn exclusive<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let _guard = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        f()
    }

    /// Add (or replace, by id) documents and commit, recording `upto` (the last article's
    /// sequence number) with the commit. Call inside [`Fts::exclusive`].
    pub fn add(&self, docs: &[Doc<'_>], upto: i64, replace_all: bool) -> Result<()> {
        self.with_writer(|w| {
            if replace_all {
                w.delete_all_documents()?;
            }
            for d in docs {
                w.delete_term(Term::from_field_text(self.id, d.id));
                let mut doc = TantivyDocument::default();
                doc.add_text(self.id, d.id);
                doc.add_text(self.title, d.title);
                doc.add_text(self.text, d.text);
                w.add_document(doc)?;
            }
            let mut commit = w.prepare_commit()?;
            commit.set_payload(&upto.to_string());
            commit.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Ids of matching articles, best first. The query syntax is tantivy's (words, "phrases",
    /// +must, -not); invalid syntax is read leniently, never an error.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<String>> {
        let parser = QueryParser::for_index(&self.index, vec![self.title, self.text]);
        let (q, _errors) = parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit.max(1)))?;
        let mut ids = Vec::with_capacity(top.len());
        for (_score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = doc.get_first(self.id).and_then(|v| v.as_str()) {
                ids.push(id.to_string());
            }
        }
        Ok(ids)
    }
}
