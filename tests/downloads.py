"""Reading a download in a test, whether it was sent whole or streamed (the exports stream)."""


def download_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")
