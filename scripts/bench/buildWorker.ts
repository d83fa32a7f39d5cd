import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const repositoryRoot = new URL('../../', import.meta.url).pathname;

/**
 * Compiles `src/` and the worker child to plain JavaScript under `var/`, so the measured worker
 * runs as production runs it (compiled, `node dist/cli/main.js serve`) and its RSS does not
 * include the tsx loader. Each file is transpiled alone, without type checking, which takes a
 * second where a full `tsc` build takes much longer. The output sits inside the repository so
 * that Node resolves packages from its node_modules. Returns the child's path and a cleanup.
 */
export function buildWorkerChild(): { childPath: string; remove: () => void } {
  const outDir = join(repositoryRoot, 'var', `bench-build-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });

  const sources = [
    ...listTypeScript(join(repositoryRoot, 'src')),
    join(repositoryRoot, 'scripts', 'bench', 'workerChild.ts'),
  ];
  for (const source of sources) {
    const output = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(outDir, relative(repositoryRoot, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }

  return {
    childPath: join(outDir, 'scripts', 'bench', 'workerChild.js'),
    remove: () => {
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

function listTypeScript(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listTypeScript(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}
