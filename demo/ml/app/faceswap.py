"""'Star in your story': puts the user's face onto a character illustration."""
import cv2
import insightface
from insightface.app import FaceAnalysis

analyzer = FaceAnalysis(name="buffalo_l", providers=["CPUExecutionProvider"])
analyzer.prepare(ctx_id=0, det_size=(640, 640))
swapper = insightface.model_zoo.get_model("inswapper_128.onnx", download=False)


def star_in_story(selfie_path: str, illustration_path: str, out_path: str) -> str:
    selfie = cv2.imread(selfie_path)
    illustration = cv2.imread(illustration_path)
    source_face = analyzer.get(selfie)[0]
    result = illustration.copy()
    for target_face in analyzer.get(illustration):
        result = swapper.get(result, target_face, source_face, paste_back=True)
    cv2.imwrite(out_path, result)
    return out_path
