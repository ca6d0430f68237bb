use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use storyline_cluster::{ClusterOptions, Featurizer, StoryClusterer, TermCounts};

fn doc(i: usize) -> (String, String) {
    // 50 topics, each with its own vocabulary, plus shared words.
    let topic = i % 50;
    let words: Vec<String> = (0..120)
        .map(|j| {
            if j % 3 == 0 {
                format!("common{}", j % 17)
            } else {
                format!("topic{topic}word{}", (i * 31 + j * 7) % 40)
            }
        })
        .collect();
    (format!("Topic{topic} headline {i}"), words.join(" "))
}

fn bench(c: &mut Criterion) {
    let docs: Vec<(String, String)> = (0..2000).map(doc).collect();
    let mut g = c.benchmark_group("cluster");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.sample_size(10);
    g.bench_function("featurize_and_assign_2000", |b| {
        b.iter(|| {
            let mut f = Featurizer::new(ClusterOptions::default());
            let counts: Vec<TermCounts> = docs.iter().map(|(t, x)| f.term_counts(t, x)).collect();
            for k in &counts {
                f.observe(k);
            }
            let mut cl = StoryClusterer::new(ClusterOptions::default());
            for k in &counts {
                std::hint::black_box(cl.assign(&f.vector(k), None));
            }
            cl.story_count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
