// Timers: setTimeout, setInterval, clearTimeout, clearInterval.
// Spec: https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers
//
// The host owns them (ops.timerStart / ops.timerCancel on the shard's libuv loop): a timer
// belongs to the request whose code started it and is cancelled when that request ends, so no
// timer outlives its request (as in Cloudflare Workers). Calling them outside a request (at
// module top level) throws a TypeError. A string handler is compiled only where eval is allowed.
// Deviations: ids are numbers from a per-instance sequence shared with the host; nesting-level
// clamping is replaced by a 1 ms floor on intervals.

const { NumberIsFinite, ReflectApply, TypeError, globalThis } = primordials;
const { installGlobal } = internals.webidl;

// Web IDL `long` timeout: non-finite or negative values mean 0.
function toTimeout(value) {
  const number = +value;
  return NumberIsFinite(number) && number > 0 ? number : 0;
}

function makeCallback(handler, args) {
  if (typeof handler === "function") {
    return () => {
      ReflectApply(handler, globalThis, args);
    };
  }
  // A string handler is code: (0, eval) throws EvalError unless the function allows eval.
  const code = `${handler}`;
  return () => {
    (0, globalThis.eval)(code);
  };
}

function collectArgs(argsLike, from) {
  const args = [];
  for (let i = from; i < argsLike.length; i++) args[args.length] = argsLike[i];
  return args;
}

function setTimeout(handler, timeout = 0) {
  return ops.timerStart(makeCallback(handler, collectArgs(arguments, 2)), toTimeout(timeout), false);
}

function setInterval(handler, timeout = 0) {
  return ops.timerStart(makeCallback(handler, collectArgs(arguments, 2)), toTimeout(timeout), true);
}

function clearTimeout(id = 0) {
  if (typeof id === "number" && id > 0) ops.timerCancel(id);
}

function clearInterval(id = 0) {
  clearTimeout(id);
}

installGlobal("setTimeout", setTimeout);
installGlobal("setInterval", setInterval);
installGlobal("clearTimeout", clearTimeout);
installGlobal("clearInterval", clearInterval);
