"""Seed synthetic programs for benchmarks (see timeline/bench/synthetic.py for what the data looks like)."""

import time

from django.core.management.base import BaseCommand, CommandError

from timeline.bench import synthetic


class Command(BaseCommand):
    help = (
        "Write P synthetic programs ({prefix}-1..P) of N milestones with K claims each, deterministic for a seed. "
        "A program with the same slug is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=1, help="How many programs (default 1).")
        parser.add_argument("--milestones", type=int, default=100, help="Milestones per program (default 100).")
        parser.add_argument("--claims-per", type=int, default=3, help="Claims per milestone (default 3).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument("--prefix", default="synthetic", help="Slug prefix (default 'synthetic').")

    def handle(self, *args, programs: int, milestones: int, claims_per: int, seed: int, prefix: str, **options):
        if programs < 1 or milestones < 1 or claims_per < 1:
            raise CommandError("--programs, --milestones and --claims-per must each be at least 1.")
        started = time.perf_counter()
        seeded = synthetic.seed(
            programs=programs, milestones=milestones, claims_per=claims_per, seed=seed, prefix=prefix
        )
        elapsed = time.perf_counter() - started
        for s in seeded:
            self.stdout.write(f"{s.program.slug}: {s.milestones} milestones, {s.claims} claims, {s.sources} sources")
        self.stdout.write(f"Seeded {len(seeded)} program(s) in {elapsed:.1f} s.")
