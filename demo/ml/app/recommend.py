"""Nightly job: trains the story recommender and serves per-user top-N lists."""
import numpy as np
from lightfm import LightFM
from lightfm.data import Dataset


def train(interactions_rows, user_ids, story_ids):
    dataset = Dataset()
    dataset.fit(users=user_ids, items=story_ids)
    interactions, weights = dataset.build_interactions(interactions_rows)
    model = LightFM(loss="warp", no_components=64)
    model.fit(interactions, sample_weight=weights, epochs=20, num_threads=4)
    return model, dataset


def recommend_for_user(model, dataset, user_id, n=20):
    user_index = dataset.mapping()[0][user_id]
    item_map = dataset.mapping()[2]
    item_ids = np.arange(len(item_map))
    scores = model.predict(user_index, item_ids)
    top = np.argsort(-scores)[:n]
    inverse = {v: k for k, v in item_map.items()}
    return [inverse[i] for i in top]
