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
    /// Created on the first write, so read-only users do not take the writer lock.
    writer: Mutex<Option<IndexWriter>>,
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
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Fts {
            index,
            reader,
            writer: Mutex::new(None),
            id,
            title,
            text,
        })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(self.index.writer_with_num_threads(1, 32_000_000)?);
        }
        let w = guard.as_mut().expect("writer just created");
        let r = f(w);
        if r.is_err() {
            // Drop uncommitted work; the next write starts from the last commit.
            w.rollback().ok();
        }
        r
    }

    /// Add (or replace, by id) documents and commit.
    pub fn add(&self, docs: &[Doc<'_>], replace_all: bool) -> Result<()> {
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
            w.commit()?;
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
