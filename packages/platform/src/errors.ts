// The error classes live in contracts (stores and every service share them); kept here for platform's own modules.
export { AppError, RetryableError, PermanentError, errorMessage } from "@mp4t/contracts";
