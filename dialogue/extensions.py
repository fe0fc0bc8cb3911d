"""Extension objects, created here and bound in `create_app`.

They live at module level so that commands can emit socket events without
importing the factory (no import circles).
"""
from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
