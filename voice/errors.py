"""One exception type for every voice failure a user can meet, with a stable code."""

from __future__ import annotations

from facilitator.errors import UserError


class VoiceError(UserError):
    """A voice failure with a stable machine code and one Dutch sentence that says what to do.

    The code is for programs (logs, the dashboard, tests); the message is for people.
    Callers show the message and carry on in manual mode: nothing here should end a meeting.
    """

    # Stable codes; do not rename, screens and scripts match on them.
    CODES = frozenset({
        "model_missing",        # no model folder at the resolved path
        "model_invalid",        # a folder, but not a usable Vosk model
        "model_load_failed",    # Vosk refused to load it
        "download_failed",      # a model could not be fetched (offline, bad size, bad checksum)
        "unknown_model",        # a model name we do not know
        "portaudio_missing",    # sounddevice could not load the PortAudio library
        "portaudio_aborted",    # loading PortAudio kills the process (a broken ALSA setup)
        "no_input_device",      # PortAudio works but sees no microphone
        "device_not_found",     # the asked-for device name or index is not there
        "device_failed",        # opening or running the device failed
        "ffmpeg_missing",       # a compressed file needs ffmpeg, which is not installed
        "decode_failed",        # ffmpeg or the WAV reader could not read the file
        "file_missing",         # the audio file does not exist
        "tts_unavailable",      # pyttsx3/espeak-ng missing or without a Dutch voice
        "tts_failed",           # one cue could not be rendered (timeout, crash)
        "playback_failed",      # the output device could not play a cue
        "no_command_phrases",   # not one command phrase is in the model's vocabulary
        "unknown_voice",        # a Piper voice name we do not know
        "voice_missing",        # a Piper voice's files are not there
        "voice_invalid",        # a Piper voice's files are damaged or incomplete
    })

    def __init__(self, code: str, message: str):
        if code not in self.CODES:
            raise ValueError(f"unknown voice error code {code!r}")
        # A part of the machine (model, device, speech) cannot do it now: status 503.
        super().__init__(message, code, status=503)
