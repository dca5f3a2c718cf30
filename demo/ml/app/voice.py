"""Narration for audiobooks: the author's own voice, cloned from a short reference recording."""
from fastapi import FastAPI, HTTPException
from TTS.api import TTS

from .consent import requireFaceConsent, voice_release_on_file

app = FastAPI()
xtts = TTS("tts_models/multilingual/multi-dataset/xtts_v2")


@app.post("/v1/narrate")
def narrate(author_id: str, chapter: str, reference_wav: str):
    out = f"/srv/audio/{author_id}.wav"
    # Clones whoever is in the uploaded recording; nobody checks that it is the author.
    xtts.tts_to_file(text=chapter, speaker_wav=reference_wav, language="zh-cn", file_path=out)
    return {"audio": out}


@app.post("/v2/narrate")
def narrate_checked(author_id: str, chapter: str, reference_wav: str):
    if not voice_release_on_file(author_id):
        raise HTTPException(status_code=403, detail="voice release missing")
    out = f"/srv/audio/{author_id}.wav"
    xtts.tts_to_file(text=chapter, speaker_wav=reference_wav, language="zh-cn", file_path=out)
    return {"audio": out}
