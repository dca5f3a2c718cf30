"""Batch renderer for chapter covers (runs on the GPU box, writes to the CDN bucket)."""
from pathlib import Path

import torch
from diffusers import StableDiffusionXLPipeline
from PIL import Image

OUTPUT_DIR = Path("/srv/covers")

pipe = StableDiffusionXLPipeline.from_pretrained(
    "stabilityai/stable-diffusion-xl-base-1.0",
    torch_dtype=torch.float16,
    variant="fp16",
)
pipe = pipe.to("cuda")


def render_cover(chapter_id: str, prompt: str) -> Path:
    image: Image.Image = pipe(prompt=prompt, num_inference_steps=30, guidance_scale=7.0).images[0]
    thumb = image.resize((512, 512), Image.LANCZOS)
    out = OUTPUT_DIR / f"{chapter_id}.png"
    thumb.save(out)
    return out
