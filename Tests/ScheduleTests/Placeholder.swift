import Testing
import Descent
