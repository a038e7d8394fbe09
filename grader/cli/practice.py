"""The `practice` command: the Textual practice app (also what plain `grader` opens)."""

from __future__ import annotations

from grader.cli.common import BankOption, ModelOption, app, cache_path, open_bank


@app.command()
def practice(bank: BankOption = None, model: ModelOption = None) -> None:
    """Practise in a full-screen app: answer questions, read explained scores, review on time.

    History, drafts and review dates are kept in the user data folder (GRADER_DATA_DIR
    overrides it). The app opens at once; the model loads in the background.
    """
    # Imported here so that the other commands don't pay for loading Textual.
    from grader.embedding import Embedder, EmbeddingCache
    from grader.scoring import Scorer
    from grader.tui.app import GraderApp

    loaded = open_bank(bank)

    def load_scorer() -> Scorer:
        return Scorer(loaded, Embedder(model, cache=EmbeddingCache(cache_path())))

    GraderApp(loaded, load_scorer=load_scorer).run()
