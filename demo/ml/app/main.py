"""Storyboard ML service: chat and illustration endpoints backed by Chinese model providers."""
import os
from http import HTTPStatus

import dashscope
from dashscope import Generation
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from zhipuai import ZhipuAI

dashscope.api_key = os.environ["DASHSCOPE_API_KEY"]
zhipu = ZhipuAI(api_key=os.environ["ZHIPUAI_API_KEY"])

app = FastAPI(title="storyboard-ml")


class ChatRequest(BaseModel):
    prompt: str
    history: list[dict] = []


class IllustrationRequest(BaseModel):
    scene: str


@app.post("/v1/continue")
def continue_story(req: ChatRequest):
    messages = [{"role": "system", "content": "你是一位小说写作助手。"}, *req.history,
                {"role": "user", "content": req.prompt}]
    response = Generation.call(
        model="qwen-plus",
        messages=messages,
        result_format="message",
    )
    if response.status_code != HTTPStatus.OK:
        raise HTTPException(status_code=502, detail=response.message)
    text = response.output.choices[0].message.content
    return {"text": text}


@app.post("/v1/outline")
def outline(req: ChatRequest):
    completion = zhipu.chat.completions.create(
        model="glm-4-plus",
        messages=[{"role": "user", "content": f"为这个故事写一个五章的大纲：{req.prompt}"}],
        temperature=0.7,
    )
    return {"outline": completion.choices[0].message.content}


@app.post("/v1/illustrate")
def illustrate(req: IllustrationRequest):
    image = zhipu.images.generations(model="cogview-3-plus", prompt=req.scene)
    return {"url": image.data[0].url}
